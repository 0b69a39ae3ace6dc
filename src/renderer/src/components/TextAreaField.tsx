import type { TextareaHTMLAttributes } from 'react';
import { FieldFrame, type FieldChrome } from './FieldFrame';

type TextAreaFieldProps = FieldChrome & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'className'>;

export function TextAreaField({ label, hint, error, hideLabel, className, ...rest }: TextAreaFieldProps) {
  return (
    <FieldFrame chrome={{ label, hint, error, hideLabel, className }}>
      {(ids) => <textarea className="input input--multiline" {...rest} {...ids} />}
    </FieldFrame>
  );
}
