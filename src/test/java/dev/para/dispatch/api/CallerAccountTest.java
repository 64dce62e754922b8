package dev.para.dispatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Who the caller is: only a plain identifier is an account, and a required group is checked. */
class CallerAccountTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "acct-42                        | 200",
                "alice@example.com              | 200",
                "tenant:team.one_2              | 200",
                "'has space'                    | 401",
                "'line\nbreak'                  | 401",
                "'a/b'                          | 401",
                "'<script>'                     | 401",
                "''                             | 401",
            })
    void onlyAPlainIdentifierIsAnAccount(String account, int status) {
        CallerAccount caller = new CallerAccount(token(account, Set.of()), config(Optional.empty()));
        if (status == 200) {
            assertEquals(account, caller.id());
        } else {
            assertEquals(
                    status, assertThrows(ProblemException.class, caller::id).status());
        }
    }

    @org.junit.jupiter.api.Test
    void aCallerOutsideTheRequiredGroupIsForbidden() {
        assertEquals(
                403,
                assertThrows(
                                ProblemException.class,
                                () -> new CallerAccount(
                                                token("acct", Set.of("viewers")), config(Optional.of("para-users")))
                                        .id())
                        .status());
        assertEquals(
                "acct", new CallerAccount(token("acct", Set.of("para-users")), config(Optional.of("para-users"))).id());
        assertEquals("acct", new CallerAccount(token("acct", Set.of()), config(Optional.empty())).id());
    }

    private static ApiConfig config(Optional<String> group) {
        return new ApiConfig() {
            public String accountClaim() {
                return "sub";
            }

            public int maxPageSize() {
                return 100;
            }

            public Optional<String> requiredGroup() {
                return group;
            }
        };
    }

    private static JsonWebToken token(String subject, Set<String> groups) {
        Map<String, Object> claims = Map.of("sub", subject.replace("\\n", "\n"));
        return new JsonWebToken() {
            public String getName() {
                return subject;
            }

            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return (T) claims.get(name);
            }

            public Set<String> getGroups() {
                return groups;
            }
        };
    }
}
