"""The domain: use cases over an AsyncSession. Knows nothing of Telegram."""
