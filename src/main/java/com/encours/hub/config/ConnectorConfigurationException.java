package com.encours.hub.config;

/** A descriptor or a connector instance is wrong; the message names the file and the property. */
public class ConnectorConfigurationException extends RuntimeException {

    private final String location;
    private final String property;

    public ConnectorConfigurationException(String location, String property, String problem) {
        super(location + ": " + property + ": " + problem);
        this.location = location;
        this.property = property;
    }

    public String location() {
        return location;
    }

    public String property() {
        return property;
    }
}
