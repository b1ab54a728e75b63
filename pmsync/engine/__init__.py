"""The sync engine: matching, planning, applying and reconciling post-mortems."""
