"""Files people download: protocols, exports, invitations (built from services' DTOs)."""
