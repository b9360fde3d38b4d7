package com.encours.hub.erp.drop;

import com.encours.hub.config.ConnectorCatalog;
import com.encours.hub.config.ConnectorInstance;
import com.encours.hub.config.HubProperties;
import net.sf.saxon.lib.Feature;
import net.sf.saxon.s9api.DocumentBuilder;
import net.sf.saxon.s9api.Processor;
import net.sf.saxon.s9api.SaxonApiException;
import net.sf.saxon.s9api.XdmDestination;
import net.sf.saxon.s9api.XdmNode;
import net.sf.saxon.s9api.XdmNodeKind;
import net.sf.saxon.s9api.XsltExecutable;
import net.sf.saxon.s9api.XsltTransformer;
import org.springframework.stereotype.Component;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;

import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.sax.SAXSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * XML files dropped in a directory by an ERP without an API (protocol {@code xml-file}). The connector's
 * XSLT stylesheet under {@code mappings/} turns the ERP's document into the hub's drop vocabulary
 * ({@code <drop>} of {@code <debtor>} and {@code <openItem key="…">} elements whose children are drop
 * record fields, see mappings/erp/file-drop/README.md), which this source hands over record by record for
 * the file-drop mappings to read.
 *
 * <p>The ERP's XML is parsed with DTDs refused (no entity expansion, no external fetch), and the stylesheet
 * may fetch nothing either. A file is transformed in memory, so it may not exceed {@code maxFileMegabytes}.
 */
@Component
public class XmlFileSource extends SnapshotFileSource {

    static final String PROTOCOL = "xml-file";

    private final HubProperties hub;
    private final Processor saxon = new Processor(false);
    private final Map<Path, XsltExecutable> stylesheets = new ConcurrentHashMap<>();

    public XmlFileSource(ConnectorCatalog catalog, SnapshotImport snapshots, HubProperties hub) {
        super(catalog, snapshots);
        this.hub = hub;
        saxon.setConfigurationProperty(Feature.ALLOWED_PROTOCOLS, "");
    }

    @Override
    public String protocol() {
        return PROTOCOL;
    }

    @Override
    protected void checkFormatProperties(ConnectorInstance connector) {
        stylesheet(connector);
        maxBytes(connector);
    }

    @Override
    protected long read(Path file, ConnectorInstance connector, RecordVisitor visitor) throws IOException {
        long size = Files.size(file);
        if (size > maxBytes(connector)) {
            throw new DropFileRefusedException("the file has " + size + " bytes, more than maxFileMegabytes "
                    + connector.property("maxFileMegabytes") + " MB allows; nothing was applied");
        }
        XdmNode drop = transform(parse(file), stylesheet(connector), connector.property("stylesheet"));
        long number = 0;
        long openItems = 0;
        for (XdmNode element : drop.children()) {
            if (element.getNodeKind() != XdmNodeKind.ELEMENT) {
                continue;
            }
            long recordNumber = ++number;
            String kind = element.getNodeName().getLocalName();
            Map<String, String> fields = fields(element);
            switch (kind) {
                case "debtor" -> {
                    String ref = fields.getOrDefault("debtorRef", "").trim();
                    if (!ref.isEmpty()) {
                        visitor.debtor(ref, () -> DropFiles.record(recordNumber, fields, Map.of()));
                    }
                }
                case "openItem" -> {
                    openItems++;
                    String key = element.attribute("key") == null ? "" : element.attribute("key").trim();
                    if (key.isEmpty()) {
                        visitor.malformed(recordNumber, () -> DropFiles.record(recordNumber,
                                Map.of("problem", "no item key: the stylesheet gave an openItem without key"), Map.of()));
                    } else {
                        visitor.openItem(recordNumber, key, () -> DropFiles.record(recordNumber, fields,
                                Map.of("sourceItemKey", key)));
                    }
                }
                default -> visitor.malformed(recordNumber, () -> DropFiles.record(recordNumber,
                        Map.of("problem", "the stylesheet gave a <" + kind + ">, neither debtor nor openItem"), Map.of()));
            }
        }
        checkDeclaredCount(drop, openItems);
        return number;
    }

    /** Each child element of a record, by local name, with its text. */
    private static Map<String, String> fields(XdmNode record) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (XdmNode child : record.children()) {
            if (child.getNodeKind() == XdmNodeKind.ELEMENT) {
                fields.put(child.getNodeName().getLocalName(), child.getStringValue());
            }
        }
        return fields;
    }

    /** An ERP that writes how many items it exported lets the hub tell a cut-short file from a real one. */
    private static void checkDeclaredCount(XdmNode drop, long openItems) {
        String declared = drop.attribute("declaredItems");
        if (declared != null && !declared.isBlank() && !declared.trim().equals(Long.toString(openItems))) {
            throw new DropFileRefusedException("the file declares " + declared.trim() + " items, it holds " + openItems
                    + ": it looks cut short, nothing was applied");
        }
    }

    private XdmNode parse(Path file) throws IOException {
        DocumentBuilder builder = saxon.newDocumentBuilder();
        try (InputStream in = Files.newInputStream(file)) {
            return builder.build(new SAXSource(hardenedReader(), new InputSource(in)));
        } catch (SaxonApiException e) {
            throw new DropFileRefusedException("not well-formed XML, or XML with a DOCTYPE (refused: its entities could "
                    + "expand or fetch files): "
                    + e.getMessage() + "; nothing was applied");
        }
    }

    private static XMLReader hardenedReader() {
        try {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            return factory.newSAXParser().getXMLReader();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the JDK's SAX parser must support secure processing", e);
        }
    }

    private static XdmNode transform(XdmNode document, XsltExecutable stylesheet, String name) {
        XsltTransformer transformer = stylesheet.load();
        XdmDestination result = new XdmDestination();
        transformer.setInitialContextNode(document);
        transformer.setDestination(result);
        try {
            transformer.transform();
        } catch (SaxonApiException e) {
            throw new DropFileRefusedException("stylesheet " + name + " failed on the file: " + e.getMessage()
                    + "; nothing was applied");
        }
        for (XdmNode root : result.getXdmNode().children()) {
            if (root.getNodeKind() == XdmNodeKind.ELEMENT) {
                if (!"drop".equals(root.getNodeName().getLocalName())) {
                    throw new DropFileRefusedException("stylesheet " + name + " gave <" + root.getNodeName()
                            + ">, a <drop> of debtor and openItem elements was expected; nothing was applied");
                }
                return root;
            }
        }
        throw new DropFileRefusedException("stylesheet " + name + " gave no element; nothing was applied");
    }

    private XsltExecutable stylesheet(ConnectorInstance connector) {
        Path file = DropFiles.layoutFile(hub, connector, "stylesheet");
        return stylesheets.computeIfAbsent(file, path -> {
            try {
                return saxon.newXsltCompiler().compile(new SAXSource(hardenedReader(), new InputSource(path.toUri().toString())));
            } catch (SaxonApiException e) {
                throw DropSettings.invalid(connector, "stylesheet", path + " does not compile: " + e.getMessage());
            }
        });
    }

    private static long maxBytes(ConnectorInstance connector) {
        int megabytes = connector.intProperty("maxFileMegabytes");
        if (megabytes < 1 || megabytes > 1024) {
            throw DropSettings.invalid(connector, "maxFileMegabytes", "must be between 1 and 1024, was " + megabytes);
        }
        return megabytes * 1024L * 1024L;
    }
}
