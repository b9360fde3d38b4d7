<?xml version="1.0" encoding="UTF-8"?>
<!--
  A customer-and-invoices XML export (OpenItemsExport, as ERPs without an API write it) -> the hub's drop
  records: one <debtor> per Customer, one <openItem key="…"> per Invoice or CreditNote, children named after
  the drop record fields (mappings/erp/file-drop/README.md). The export's itemCount becomes declaredItems,
  so a file cut short is refused whole. Values are copied as written; the file-drop mappings check them.
-->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:xs="http://www.w3.org/2001/XMLSchema" exclude-result-prefixes="xs">

  <xsl:output method="xml" indent="no"/>
  <xsl:mode on-no-match="shallow-skip"/>

  <xsl:template match="/OpenItemsExport">
    <drop>
      <xsl:if test="@itemCount">
        <xsl:attribute name="declaredItems" select="@itemCount"/>
      </xsl:if>
      <xsl:apply-templates select="Customer"/>
    </drop>
  </xsl:template>

  <xsl:template match="Customer">
    <debtor>
      <debtorRef><xsl:value-of select="@id"/></debtorRef>
      <name><xsl:value-of select="Name"/></name>
      <xsl:for-each select="VAT"><vat><xsl:value-of select="."/></vat></xsl:for-each>
      <xsl:for-each select="Country"><country><xsl:value-of select="."/></country></xsl:for-each>
      <xsl:for-each select="CreditLimit">
        <creditLimit><xsl:value-of select="."/></creditLimit>
        <currency><xsl:value-of select="@currency"/></currency>
      </xsl:for-each>
      <xsl:for-each select="Blocked"><blocked><xsl:value-of select="."/></blocked></xsl:for-each>
    </debtor>
    <xsl:apply-templates select="Invoice | CreditNote"/>
  </xsl:template>

  <xsl:template match="Invoice | CreditNote">
    <openItem key="{@number}">
      <debtorRef><xsl:value-of select="../@id"/></debtorRef>
      <docType><xsl:value-of select="if (self::CreditNote) then 'CREDIT_NOTE' else 'INVOICE'"/></docType>
      <docNumber><xsl:value-of select="@number"/></docNumber>
      <issueDate><xsl:value-of select="Date"/></issueDate>
      <dueDate><xsl:value-of select="Due"/></dueDate>
      <originalAmount><xsl:value-of select="Amount"/></originalAmount>
      <openAmount><xsl:value-of select="Open"/></openAmount>
      <currency><xsl:value-of select="Amount/@currency"/></currency>
      <xsl:for-each select="Dispute"><disputed>true</disputed><disputeReason><xsl:value-of select="."/></disputeReason></xsl:for-each>
    </openItem>
  </xsl:template>
</xsl:stylesheet>
