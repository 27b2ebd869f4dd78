-- Part payments (issue 18): an instalment records what has been paid of it so far; it is
-- performed once fully paid. Instalments recorded as performed before this version were
-- recorded in one payment, so they count as fully paid.
ALTER TABLE obligation ADD COLUMN paid_fen INTEGER NOT NULL DEFAULT 0;
UPDATE obligation SET paid_fen = amount_fen WHERE performed_on IS NOT NULL;
