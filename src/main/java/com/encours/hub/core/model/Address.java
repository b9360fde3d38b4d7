package com.encours.hub.core.model;

import jakarta.validation.constraints.Size;

public record Address(
        @Size(max = 256) String street,
        @Size(max = 32) String postalCode,
        @Size(max = 128) String city,
        @Size(min = 2, max = 2) String country) {
}
