-- Runs on PostgreSQL and on H2 (MODE=PostgreSQL): keep to the SQL both understand.

-- Which connector assessed each debtor. Debtors are routed to a bureau by country (hub.bureau.by-country):
-- when the route of a debtor's country changes, its assessment must come from the new bureau, not from the
-- cache. Rows written before this column existed have none: the hub had one bureau then, and reads them as
-- assessed by the fallback bureau (hub.bureau.connector).
alter table credit_assessment add column connector_id varchar(64);
