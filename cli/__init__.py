"""The `dunghan` command: Typer commands that parse, call a use case of :mod:`app`, and format.

A door like the web pages and the flows: it never imports them, and they never import it.
"""
