import type { ReactNode } from 'react';

interface BannerProps {
  tone: 'error' | 'warning' | 'success' | 'info';
  children: ReactNode;
  action?: ReactNode;
}

/** Errors interrupt (role=alert); confirmations are announced politely (role=status). */
export function Banner({ tone, children, action }: BannerProps) {
  return (
    <div className={`banner banner--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="banner__text">{children}</div>
      {action && <div className="banner__action">{action}</div>}
    </div>
  );
}
