package com.encours.hub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class EncoursHubApplication {

    public static void main(String[] args) {
        SpringApplication.run(EncoursHubApplication.class, args);
    }
}
