"""The programme's rules as pure functions over plain data: the definitions and their
checks, the form, validation (with `validation_result`, `coercion` per type and
`calculations`, the one path of the calculated fields), the expression language
(`expressions/`), scoring (the reference `score()`), orientation, the skills assessment,
evaluation (validate + score + orient), explanation (the versions a record names, the
decision in force), decisions, roles (the one role table), people (`full_name`),
identity, normalisation, duplicates, the reference lists, the clock.

May import: the standard library, its declared third-party libraries (jsonschema,
rapidfuzz...) and `jisr_desktop.paths`/`i18n`. Never `models.store`, `models.workflows`, Qt
or any database library: the server shares this package.
"""
