-- One- and two-character words of the facts (围墙, 噪音): the trigram index of 0002 needs
-- three characters. case_bigram indexes each character and each pair of adjacent characters
-- of the same text as case_fts, every one written as an ASCII term (search.bigram_doc), so
-- any character stays one token. Contentless (the text is in case_fts already) and without
-- positions or sizes: a term only says which cases contain it, which is all a search needs.
CREATE VIRTUAL TABLE case_bigram USING fts5(body, content = '', detail = none, columnsize = 0);
-- Filled in Python (the terms are computed there) by db.ensure_search_index on the first open
-- after this upgrade, from the texts case_fts holds (search.fill_pairs).
