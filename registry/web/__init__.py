"""The HTML side's shared parts: ``hooks`` (request ids, security headers, template globals, the URL's ids),
``forms`` (WTForms classes built from a record type's schema), ``outcomes`` (a service's result or refusal
turned into a page) and ``record_pages`` (the list, detail, form, archive and restore pages every record
type gets). Area route modules build on these; nothing below the web layer imports them."""
