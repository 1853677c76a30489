-- The priced request of each task (its price inputs and the unit price and reference multiplier of
-- the book used at reservation): settlement reads only this, never the request body or a book.
-- NULL for tasks reserved before this migration; they settle the old way (docs/money.md).
ALTER TABLE tasks ADD COLUMN priced_request jsonb;
