package com.encours.hub.core.model;

/** What changed in an open item between two versions the ledger has seen. */
public enum ChangeKind { NEW, AMOUNT, STATUS, DUE_DATE, DUNNING, DISPUTE, CLEARED, VANISHED, OTHER }
