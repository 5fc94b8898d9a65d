-- An exclusive worker takes only steps whose tags cover all of its own (the original's `exclusive`).
ALTER TABLE workers ADD COLUMN exclusive BOOLEAN NOT NULL DEFAULT FALSE;
