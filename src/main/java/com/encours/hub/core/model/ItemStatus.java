package com.encours.hub.core.model;

public enum ItemStatus { OPEN, PARTIAL, CLEARED, REVERSED, CANCELLED }
