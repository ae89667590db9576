/** next-intl's per-request configuration: the locale from the URL segment and its messages. */
import { getRequestConfig } from 'next-intl/server';
import { MESSAGES } from './messages';
import { DEFAULT_LOCALE, isLocale } from './routing';

export default getRequestConfig(async ({ requestLocale }) => {
  const requested = await requestLocale;
  const locale = isLocale(requested) ? requested : DEFAULT_LOCALE;
  return { locale, messages: MESSAGES[locale], timeZone: 'Asia/Ho_Chi_Minh' };
});
