"""metod-bot application: settings, wiring, middlewares, entry point (`python -m bot`)."""
