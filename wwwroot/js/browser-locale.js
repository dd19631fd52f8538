// The browser's language and clock, for the C# BrowserLocale service (App/Localization/BrowserLocale.cs): the date
// format of a date field that names none, and "today" as the person at this browser sees it. Used by the signer's
// page and the self-signing page alike.

/** The browser's preferred language (BCP 47), for the date format of fields that name none. */
export function language() {
    return (navigator.languages && navigator.languages[0]) || navigator.language || '';
}

/** The browser's offset from UTC now, in minutes (east positive): "today" is the person's day, not the server's. */
export function utcOffsetMinutes() {
    return -new Date().getTimezoneOffset();
}
