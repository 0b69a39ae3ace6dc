import type { InputHTMLAttributes } from 'react';
import { FieldFrame, type FieldChrome } from './FieldFrame';

type TextFieldProps = FieldChrome & Omit<InputHTMLAttributes<HTMLInputElement>, 'className'>;

/** A labelled input with its hint and its error message underneath. */
export function TextField({ label, hint, error, hideLabel, className, ...rest }: TextFieldProps) {
  return (
    <FieldFrame chrome={{ label, hint, error, hideLabel, className }}>
      {(ids) => <input className="input" {...rest} {...ids} />}
    </FieldFrame>
  );
}
