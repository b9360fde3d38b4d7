package com.encours.hub.core.mapping;

import com.encours.hub.core.InvalidMessageException;

/** A partner document could not be mapped to the canonical model; retrying will not help. */
public class MappingException extends InvalidMessageException {

    public MappingException(String mappingPath, String problem) {
        super("mapping " + mappingPath + ": " + problem);
    }
}
