package com.encours.hub.core.model;

/** The ERP-side key of a debtor: the customer number is only unique within one system and company. */
public final class DebtorKey {

    private DebtorKey() {
    }

    public static String of(String sourceSystem, String company, String debtorRef) {
        return sourceSystem + ":" + company + ":" + debtorRef;
    }
}
