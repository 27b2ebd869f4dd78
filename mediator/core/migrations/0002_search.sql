-- Search index. FTS5 trigram finds any substring of 3+ characters (facts, case numbers,
-- ID and phone tails); Chinese names are often two characters, which trigram cannot find, so
-- names and their pinyin initials also go into case_term as every suffix, where a prefix
-- range scan on the index finds any substring of a name ("小明" in 王小明, "zs" for 张三).
CREATE VIRTUAL TABLE case_fts USING fts5(body, tokenize = 'trigram');
CREATE TABLE case_term (
    term VARCHAR NOT NULL,
    case_rowid INTEGER NOT NULL
);
CREATE INDEX ix_case_term ON case_term (term, case_rowid);
CREATE INDEX ix_case_term_case ON case_term (case_rowid);
