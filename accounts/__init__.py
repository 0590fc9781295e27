"""Users and their profiles, two-factor rules, personal data export and deletion."""
