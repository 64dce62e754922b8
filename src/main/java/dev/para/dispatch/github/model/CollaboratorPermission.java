package dev.para.dispatch.github.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code GET /repos/{owner}/{repo}/collaborators/{username}/permission}: {@code permission} is
 * admin, write, read or none (maintain counts as write, triage as read); {@code role_name} is the
 * finer role.
 */
public record CollaboratorPermission(
        String permission, @JsonProperty("role_name") String roleName) {

    /** Whether the user may push: admin, maintain or write. */
    public boolean canWrite() {
        String role = roleName != null ? roleName : permission;
        return "admin".equals(role)
                || "maintain".equals(role)
                || "write".equals(role)
                || "admin".equals(permission)
                || "write".equals(permission);
    }
}
