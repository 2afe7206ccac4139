//! Pictures on sign-up: checked, re-encoded, stored, and shown only to people
//! who share a workspace with their owner.
use crate::support::*;
use app::error::AppError;
use app::ssr::db::entities::{avatar, invitation, user};
use image::{DynamicImage, ImageBuffer, ImageFormat, Rgb};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::io::Cursor;

fn photo(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let picture = DynamicImage::ImageRgb8(ImageBuffer::from_fn(width, height, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    }));
    let mut bytes = Vec::new();
    picture
        .write_to(&mut Cursor::new(&mut bytes), format)
        .unwrap();
    bytes
}

async fn join_with(
    app: &TestApp,
    client: &reqwest::Client,
    token: &str,
    file: Option<(Vec<u8>, &str)>,
) -> reqwest::Response {
    app.call_multipart(
        client,
        "accept_invitation",
        &[
            ("token", token),
            ("display_name", "Eve Example"),
            ("password", "a long new passphrase"),
        ],
        file.map(|(bytes, mime)| ("avatar", bytes, mime)),
    )
    .await
}

async fn nothing_was_written(app: &TestApp) {
    let accounts = user::Entity::find()
        .filter(user::Column::EmailKey.eq("eve@example.com"))
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(accounts, 0, "no account");
    assert_eq!(
        avatar::Entity::find().count(&app.state.db).await.unwrap(),
        0,
        "no picture"
    );
    let open = invitation::Entity::find()
        .filter(invitation::Column::AcceptedAt.is_null())
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(open, 1, "the link still works");
}

on_every_database! {
    async fn a_picture_chosen_on_sign_up_is_re_encoded_and_shown_in_the_users_table(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let token = app.invite_for_token(&admin, "eve@example.com", "").await;
        let eve = browser();
        let joined = join_with(&app, &eve, &token, Some((photo(900, 600, ImageFormat::WebP), "image/webp"))).await;
        assert_eq!(joined.status(), 200);

        let eve_id = app.user_id("eve@example.com").await;
        let stored = avatar::Entity::find_by_id(eve_id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(stored.content_type, "image/jpeg");
        let decoded = image::load_from_memory(&stored.image).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (256, 256), "cropped to a square");

        let page: serde_json::Value = app
            .call(&admin, "list_people", &[("slug", "acme-corp"), ("search", "eve"), ("status", ""), ("page", "0")])
            .await.json().await.unwrap();
        let src = page["rows"][0]["avatar"].as_str().unwrap().to_owned();
        assert!(src.starts_with(&format!("/avatars/{eve_id}?v=")), "{src}");

        for viewer in [&admin, &eve] {
            let response = viewer.get(app.url(&src)).send().await.unwrap();
            assert_eq!(response.status(), 200);
            assert_eq!(response.headers()["content-type"], "image/jpeg");
            assert_eq!(response.headers()["cache-control"], "private, max-age=86400");
            assert_eq!(response.bytes().await.unwrap().as_ref(), stored.image.as_slice());
        }
        // Nobody else: not signed in, or in no shared workspace.
        assert_eq!(browser().get(app.url(&src)).send().await.unwrap().status(), 404);
        let other = app.other_workspace().await;
        app.add_member(&other.slug, "olga@example.com", app::domain::Role::Member, MEMBER_PASSWORD).await;
        let olga = app.logged_in("olga@example.com", MEMBER_PASSWORD).await;
        assert_eq!(olga.get(app.url(&src)).send().await.unwrap().status(), 404);
    }

    async fn a_file_that_is_not_a_picture_is_refused_at_the_avatar_field(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let token = app.invite_for_token(&admin, "eve@example.com", "").await;
        let html = b"<html><script>alert(1)</script></html>".to_vec();
        let refused = join_with(&app, &browser(), &token, Some((html, "image/png"))).await;
        assert_eq!(refused.status(), 422);
        assert_eq!(
            app_error(refused).await,
            AppError::Invalid { field: "Avatar".into(), message: "Choose a PNG, JPEG or WebP picture.".into() }
        );
        let mut broken = photo(100, 100, ImageFormat::Jpeg);
        broken.truncate(300);
        let refused = join_with(&app, &browser(), &token, Some((broken, "image/jpeg"))).await;
        assert_eq!(refused.status(), 422);
        nothing_was_written(&app).await;
    }

    async fn a_picture_over_two_megabytes_is_refused_and_nothing_is_written(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let token = app.invite_for_token(&admin, "eve@example.com", "").await;
        let mut big = photo(64, 64, ImageFormat::Png);
        big.resize(2 * 1024 * 1024 + 1, 0);
        let refused = join_with(&app, &browser(), &token, Some((big, "image/png"))).await;
        assert_eq!(refused.status(), 422);
        assert_eq!(
            app_error(refused).await,
            AppError::Invalid { field: "Avatar".into(), message: "The picture is larger than 2 MB.".into() }
        );
        nothing_was_written(&app).await;
        // Without a picture the same link then works.
        assert_eq!(join_with(&app, &browser(), &token, None).await.status(), 200);
    }

    async fn the_sign_up_endpoint_takes_only_multipart_forms(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let token = app.invite_for_token(&admin, "eve@example.com", "").await;
        let plain = app
            .call(&browser(), "accept_invitation", &[("token", token.as_str()), ("display_name", "Eve"), ("password", "a long new passphrase")])
            .await;
        assert_eq!(plain.status(), 415);
        nothing_was_written(&app).await;
    }
}
