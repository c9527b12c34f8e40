import type { FieldErrors } from '@/components/ui/field';

/** Loose on purpose: the embedded default owner is admin@localhost (no dot in the domain). */
export const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

export function validateLogin(v: { email: string; password: string }): FieldErrors {
  return {
    email: !v.email.trim() ? 'Enter your email' : !EMAIL_RE.test(v.email.trim()) ? 'Enter a valid email address' : undefined,
    password: !v.password ? 'Enter your password' : undefined,
  };
}

export function validatePassword(p: string): string | undefined {
  if (!p) return 'Enter a password';
  if (p.length < 8) return 'Use at least 8 characters';
  if (p.length > 200) return 'Use at most 200 characters';
  return undefined;
}

export function validateSignup(v: { name: string; email: string; password: string; companyName: string }): FieldErrors {
  return {
    name: !v.name.trim() ? 'Enter your name' : undefined,
    email: !v.email.trim() ? 'Enter your email' : !EMAIL_RE.test(v.email.trim()) ? 'Enter a valid email address' : undefined,
    password: validatePassword(v.password),
    companyName: !v.companyName.trim() ? 'Enter your company name' : undefined,
  };
}
