"""When things run: Prefect flows, one per file, each a thin sequence of batched tasks.

The flows decide nothing themselves: they call rules/, models/ and notifications/ in order. Every
fact that matters (the outbox, the audit trail) is in dunghan's database, not in Prefect's, so a
run that Prefect forgets (ephemeral mode drops most task records at exit) loses nothing.
"""
