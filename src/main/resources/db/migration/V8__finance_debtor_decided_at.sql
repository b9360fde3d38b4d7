-- When a debtor's events were last worked out: a refresh asked for before that finds them worked out already.
alter table finance_debtor_state add column decided_at timestamp with time zone;
