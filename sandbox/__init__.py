"""The sandbox: the real application against a local Bot API server, played in a browser."""
