-- Issue 15.9: a password an administrator set must be changed at the next sign-in.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
