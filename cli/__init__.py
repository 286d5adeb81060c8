"""The `dunghan` command: Typer commands that parse, call a use case of :mod:`app`, and format.

A door like the web pages and the flows: it never imports them, and they never import it.
"""

from rules.i18n import for_libraries

for_libraries()  # before Typer is imported: it words its panels then
