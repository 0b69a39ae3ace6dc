import type { AnchorHTMLAttributes, MouseEvent } from 'react';
import { routeHref, type Route } from '../state/route';
import { useAppStore } from '../state/store';

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: Route;
}

/** An in-app link: a real href (open in new window, copy link) that routes through the store's guard. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const navigate = useAppStore((s) => s.route.navigate);
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    navigate(to);
  };
  return <a href={routeHref(to)} onClick={handleClick} {...rest} />;
}
