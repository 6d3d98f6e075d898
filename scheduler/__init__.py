"""APScheduler wiring, the outbox tick and the sender (arrive with the delivery engine)."""
