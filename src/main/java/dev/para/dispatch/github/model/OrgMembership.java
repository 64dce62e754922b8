package dev.para.dispatch.github.model;

/**
 * The authenticated user's membership of an organization ({@code GET /user/memberships/orgs/{org}}):
 * {@code state} active or pending, {@code role} admin or member.
 */
public record OrgMembership(String state, String role) {

    /** An owner of the organization, membership accepted. */
    public boolean isActiveAdmin() {
        return "active".equals(state) && "admin".equals(role);
    }
}
