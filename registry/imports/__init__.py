"""Registry import: Excel/CSV rosters checked in a dry run, then committed as a whole.

See docs/importing-registry.md.
"""
