"""Infrastructure shared by the platform and every module. Owns no tables."""
