package com.encours.hub.core.model;

/** Kind of accounting document behind an open item. Amounts are magnitudes; the type gives the sign. */
public enum DocType { INVOICE, CREDIT_NOTE, PAYMENT, DEBIT_NOTE, OTHER }
