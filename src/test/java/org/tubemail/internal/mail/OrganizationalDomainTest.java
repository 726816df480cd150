package org.tubemail.internal.mail;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Organisational domains from the bundled Public Suffix List, and DMARC alignment. */
class OrganizationalDomainTest {

    @Test
    void takesTheRegisteredDomainUnderAPublicSuffix() {
        assertEquals("example.org", OrganizationalDomain.of("mail.news.Example.ORG."));
        assertEquals("example.co.uk", OrganizationalDomain.of("lists.example.co.uk"));
        assertEquals("alice.github.io", OrganizationalDomain.of("www.alice.github.io"), "a private suffix of the list");
        assertEquals("localhost", OrganizationalDomain.of("localhost"));
        assertEquals("co.uk", OrganizationalDomain.of("co.uk"), "a public suffix is its own");
    }

    @Test
    void alignsRelaxedByOrganisationAndStrictByName() {
        assertTrue(OrganizationalDomain.aligned("mail.example.org", "example.org", false));
        assertFalse(OrganizationalDomain.aligned("mail.example.org", "example.org", true));
        assertFalse(OrganizationalDomain.aligned("bob.github.io", "alice.github.io", false), "neighbours under a private suffix");
        assertFalse(OrganizationalDomain.aligned("example.co.uk", "other.co.uk", false));
        assertFalse(OrganizationalDomain.aligned("", "example.org", false));
    }
}
