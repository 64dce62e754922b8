-- The account's named agent image a session runs (agent_images.name), so the launcher pulls it with
-- that image's credential; null for the images of the service's configuration.
ALTER TABLE sessions ADD COLUMN agent_image_name text;
