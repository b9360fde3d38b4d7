-- Runs on PostgreSQL and on H2 (MODE=PostgreSQL): keep to the SQL both understand.

-- Which hub instance runs the scheduled pulls of a connector. Replicas compete for the row; the holder
-- renews it on every run and every page, and another replica takes over once it has expired.
create table connector_lease (
    connector_id  varchar(64)  primary key,
    holder        varchar(200) not null,
    expires_at    timestamp with time zone not null
);
