"""Reference data kept by admins: towns (镇街), parks (园区) and tags (标签)."""
