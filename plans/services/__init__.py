"""Use cases that write the ground: units, regions and aliases (`units`), memberships and the
supervisors' admin group (`members`). Plans and measures are written by the import → review →
publish pipeline in `publishing.services`."""
