"""Presentation shared by handlers and the scheduler: typed callback data and the small
keyboard and wording helpers a notice needs. It imports no handlers, bot or scheduler."""
