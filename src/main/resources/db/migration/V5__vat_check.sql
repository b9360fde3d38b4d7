-- Runs on PostgreSQL and on H2 (MODE=PostgreSQL): keep to the SQL both understand.

-- The last VIES answer for each VAT number, per connector: asked again only after valid_until (a valid
-- answer is kept longer than an invalid one), or when the connector's requester changed (the consultation
-- number belongs to the requester that asked). requester is e.g. BE0417497106, null when none is configured.
create table vat_check (
    connector_id         varchar(64)   not null,
    country_code         varchar(2)    not null,
    vat_number           varchar(12)   not null,
    requester            varchar(16),
    valid                boolean       not null,
    name                 varchar(4000),
    address              varchar(4000),
    request_date         date          not null,
    consultation_number  varchar(64),
    checked_at           timestamp with time zone not null,
    valid_until          timestamp with time zone not null,
    primary key (connector_id, country_code, vat_number)
);
