/** Types next-intl's APIs by our locales and messages, so a missing or misspelt key fails the type check. */
import type { Messages } from './messages';
import type { Locale } from './routing';

declare module 'next-intl' {
  interface AppConfig {
    Locale: Locale;
    Messages: Messages;
  }
}
