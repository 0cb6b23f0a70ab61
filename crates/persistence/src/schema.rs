// @generated automatically by Diesel CLI.

diesel::table! {
    api_clients (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        name -> Text,
        roles -> Array<Nullable<Text>>,
        secret_hash -> Text,
        created_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        approved_at -> Nullable<Timestamptz>,
        approved_by -> Nullable<Text>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Uuid,
        occurred_at -> Timestamptz,
        actor -> Text,
        actor_organisation_id -> Nullable<Uuid>,
        action -> Text,
        resource_type -> Text,
        resource_id -> Uuid,
        request_id -> Text,
        actor_client -> Nullable<Text>,
        actor_organisation_number -> Nullable<Text>,
        actor_supplier_number -> Nullable<Text>,
        actor_issuer -> Nullable<Text>,
    }
}

diesel::table! {
    collaboration_agreements (id) {
        id -> Uuid,
        centre_id -> Uuid,
        partner_organisation_id -> Uuid,
        refers -> Text,
        feedback -> Text,
        centre_contact_role -> Text,
        partner_contact_role -> Text,
        valid_from -> Date,
        valid_until -> Nullable<Date>,
        status -> Text,
        end_reason -> Nullable<Text>,
        applied_feedback -> Text,
        proposed_by -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    collaboration_needs (id) {
        id -> Uuid,
        origin -> Text,
        municipality_id -> Uuid,
        county_number -> Text,
        meeting_id -> Nullable<Uuid>,
        finding_id -> Nullable<Uuid>,
        position -> Int2,
        partner_kind -> Text,
        partner_organisation_id -> Nullable<Uuid>,
        topic -> Nullable<Text>,
        description -> Text,
        status -> Text,
        decline_reason -> Nullable<Text>,
        offer_kind -> Nullable<Text>,
        offer_course_id -> Nullable<Uuid>,
        offer_learning_network_id -> Nullable<Uuid>,
        offer_text -> Nullable<Text>,
        answered_at -> Nullable<Timestamptz>,
        raised_by -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    course_organisers (course_id, organisation_id) {
        course_id -> Uuid,
        organisation_id -> Uuid,
    }
}

diesel::table! {
    courses (id) {
        id -> Uuid,
        title -> Text,
        place -> Nullable<Text>,
        digital -> Bool,
        dates -> Array<Nullable<Date>>,
        capacity -> Int4,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    dialogue_attendees (id) {
        id -> Uuid,
        meeting_id -> Uuid,
        municipality_id -> Uuid,
        role -> Text,
        title -> Text,
        name -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    dialogue_basis (meeting_id, municipality_id) {
        meeting_id -> Uuid,
        municipality_id -> Uuid,
        report_year -> Int2,
    }
}

diesel::table! {
    dialogue_evaluations (id) {
        id -> Uuid,
        meeting_id -> Uuid,
        municipality_id -> Uuid,
        rating -> Int2,
        comments -> Nullable<Text>,
        submitted_by -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    dialogue_findings (id) {
        id -> Uuid,
        meeting_id -> Uuid,
        municipality_id -> Uuid,
        presented_work -> Nullable<Text>,
        strengths -> Nullable<Text>,
        challenges -> Nullable<Text>,
        improvement_areas -> Nullable<Text>,
        risk_level -> Nullable<Text>,
        risk_rationale -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        shared_with_partners -> Bool,
    }
}

diesel::table! {
    dialogue_meetings (id) {
        id -> Uuid,
        county_governor_id -> Uuid,
        county_number -> Text,
        title -> Text,
        held_on -> Date,
        place -> Nullable<Text>,
        digital -> Bool,
        status -> Text,
        focus_areas -> Array<Nullable<Text>>,
        programme -> Array<Nullable<Text>>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    dialogue_participants (meeting_id, organisation_id) {
        meeting_id -> Uuid,
        organisation_id -> Uuid,
        role -> Text,
    }
}

diesel::table! {
    dpop_proofs (replay_key) {
        replay_key -> Text,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    enrolments (id) {
        id -> Uuid,
        course_id -> Uuid,
        name -> Text,
        work_email -> Text,
        employer_organisation_id -> Uuid,
        service -> Text,
        subject -> Text,
        status -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    facilitators (competence_centre_id, employer_organisation_id, subject) {
        id -> Uuid,
        competence_centre_id -> Uuid,
        employer_organisation_id -> Uuid,
        subject -> Text,
        name -> Text,
        enrolment_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        confirmed_at -> Nullable<Timestamptz>,
        facilitator -> Text,
    }
}

diesel::table! {
    follow_up_actions (id) {
        id -> Uuid,
        meeting_id -> Uuid,
        owner_organisation_id -> Uuid,
        description -> Text,
        due_on -> Date,
        follow_up_meeting_on -> Nullable<Date>,
        follow_up_digital -> Bool,
        status -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        overdue_notified_on -> Nullable<Date>,
    }
}

diesel::table! {
    gathering_attendance (gathering_id, member_id) {
        gathering_id -> Uuid,
        member_id -> Uuid,
        attendees -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    gatherings (id) {
        id -> Uuid,
        network_id -> Uuid,
        held_on -> Date,
        place -> Nullable<Text>,
        digital -> Bool,
        programme -> Jsonb,
        respondents -> Nullable<Int4>,
        average_rating -> Nullable<Float8>,
        highlights -> Array<Nullable<Text>>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        ends_on -> Nullable<Date>,
    }
}

diesel::table! {
    grant_activities (grant_id, position) {
        grant_id -> Uuid,
        position -> Int2,
        kind -> Text,
        course_id -> Nullable<Uuid>,
        learning_network_id -> Nullable<Uuid>,
        project -> Nullable<Text>,
    }
}

diesel::table! {
    grants (id) {
        id -> Uuid,
        funder_organisation_id -> Uuid,
        recipient_organisation_id -> Uuid,
        amount_nok -> Int8,
        valid_from -> Date,
        valid_until -> Nullable<Date>,
        purpose -> Text,
        status -> Text,
        stop_reason -> Nullable<Text>,
        closed_on -> Nullable<Date>,
        recorded_by -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    group_follow_ups (id) {
        id -> Uuid,
        group_id -> Uuid,
        requested_on -> Date,
        session_id -> Nullable<Uuid>,
        visited_on -> Nullable<Date>,
        visited_by -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    group_quarters_met (group_id, quarter) {
        group_id -> Uuid,
        quarter -> Date,
    }
}

diesel::table! {
    group_sessions (id) {
        id -> Uuid,
        group_id -> Uuid,
        held_on -> Date,
        held -> Bool,
        present -> Nullable<Int2>,
        starter_present -> Bool,
        format -> Text,
        follow_up_requested -> Bool,
        note -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    group_starters (id) {
        id -> Uuid,
        group_id -> Uuid,
        subject -> Text,
        display_name -> Text,
        planned_meetings -> Int2,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    group_statistics (quarter, centre_id, theme, municipality) {
        quarter -> Date,
        centre_id -> Uuid,
        theme -> Text,
        municipality -> Text,
        groups_started -> Int4,
        groups_ended -> Int4,
        groups_running -> Int4,
        members_placed -> Int4,
        wait_days -> Int8,
        sessions_held -> Int4,
    }
}

diesel::table! {
    group_statistics_versions (quarter) {
        quarter -> Date,
        version -> Int8,
    }
}

diesel::table! {
    groups (id) {
        id -> Uuid,
        centre_id -> Uuid,
        title -> Text,
        theme -> Text,
        languages -> Array<Nullable<Text>>,
        format -> Text,
        municipality -> Text,
        weekday -> Text,
        start_time -> Time,
        interval_weeks -> Int2,
        min_members -> Int2,
        max_members -> Int2,
        age_from -> Nullable<Int2>,
        age_to -> Nullable<Int2>,
        address -> Nullable<Text>,
        confidential_location -> Bool,
        status -> Text,
        member_count -> Int2,
        started_at -> Nullable<Timestamptz>,
        ended_at -> Nullable<Timestamptz>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        published -> Bool,
    }
}

diesel::table! {
    idempotency_keys (organisation_id, subject, key) {
        organisation_id -> Uuid,
        subject -> Text,
        key -> Text,
        request_hash -> Bytea,
        response_status -> Int2,
        response_body -> Jsonb,
        response_headers -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    improvement_tasks (id) {
        id -> Uuid,
        network_id -> Uuid,
        gathering_id -> Uuid,
        member_id -> Uuid,
        title -> Text,
        description -> Nullable<Text>,
        status -> Text,
        report -> Nullable<Text>,
        reported_at -> Nullable<Timestamptz>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    intakes (id) {
        id -> Uuid,
        referral_id -> Uuid,
        centre_id -> Uuid,
        scheduled_at -> Timestamptz,
        format -> Text,
        preferred_themes -> Array<Nullable<Text>>,
        preferred_languages -> Array<Nullable<Text>>,
        preferred_weekdays -> Array<Nullable<Text>>,
        held_at -> Nullable<Timestamptz>,
        outcome -> Nullable<Text>,
        outcome_theme -> Nullable<Text>,
        pseudonym -> Nullable<Text>,
        notes -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    is24_figures (municipality_id, report_year, code) {
        municipality_id -> Uuid,
        report_year -> Int2,
        code -> Text,
        value -> Float8,
    }
}

diesel::table! {
    is24_variables (report_year, code) {
        report_year -> Int2,
        code -> Text,
        label -> Text,
        unit -> Text,
    }
}

diesel::table! {
    learning_network_coordinators (network_id, organisation_id) {
        network_id -> Uuid,
        organisation_id -> Uuid,
        position -> Int4,
    }
}

diesel::table! {
    learning_network_members (id) {
        id -> Uuid,
        network_id -> Uuid,
        organisation_id -> Uuid,
        service -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    learning_networks (id) {
        id -> Uuid,
        name -> Text,
        target_group -> Text,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        steering_group -> Jsonb,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        national_programme -> Bool,
        national_programme_id -> Nullable<Uuid>,
        end_reason -> Nullable<Text>,
        end_note -> Nullable<Text>,
    }
}

diesel::table! {
    memberships (id) {
        id -> Uuid,
        group_id -> Uuid,
        referral_id -> Nullable<Uuid>,
        intake_id -> Nullable<Uuid>,
        pseudonym -> Nullable<Text>,
        joined_at -> Timestamptz,
        waited_days -> Int4,
        confidentiality_signed_at -> Nullable<Timestamptz>,
        left_at -> Nullable<Timestamptz>,
        leave_reason -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    network_meeting_statistics_version (only_row) {
        only_row -> Bool,
        version -> Int8,
    }
}

diesel::table! {
    network_meetings (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        facilitator_subject -> Text,
        held_on -> Date,
        municipality_number -> Text,
        service -> Text,
        co_facilitators -> Array<Nullable<Text>>,
        suggested_by -> Text,
        age_band -> Text,
        gender -> Nullable<Text>,
        family -> Int2,
        partner -> Int2,
        friend -> Int2,
        colleague -> Int2,
        neighbour -> Int2,
        professional -> Int2,
        other -> Int2,
        network_size -> Nullable<Int2>,
        themes -> Array<Nullable<Text>>,
        resources_identified -> Nullable<Text>,
        next_steps -> Nullable<Text>,
        next_meeting_planned -> Bool,
        next_meeting_on -> Nullable<Date>,
        supervision_wanted -> Bool,
        supervision_topic -> Nullable<Text>,
        series_id -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        facilitator -> Text,
    }
}

diesel::table! {
    organisations (id) {
        id -> Uuid,
        kind -> Text,
        name -> Text,
        municipality_number -> Nullable<Text>,
        county -> Nullable<Text>,
        region -> Nullable<Text>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        county_number -> Nullable<Text>,
        organisation_number -> Nullable<Text>,
    }
}

diesel::table! {
    outreach_invitations (meeting_id, organisation_id) {
        meeting_id -> Uuid,
        organisation_id -> Uuid,
        present -> Bool,
        follow_up -> Nullable<Text>,
        followed_up_on -> Nullable<Date>,
        agreement_id -> Nullable<Uuid>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    outreach_meetings (id) {
        id -> Uuid,
        organiser_id -> Uuid,
        kind -> Text,
        title -> Text,
        held_on -> Date,
        place -> Nullable<Text>,
        digital -> Bool,
        programme -> Jsonb,
        status -> Text,
        created_by -> Text,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    published_county_figures (county, year, counted_until) {
        county -> Text,
        year -> Int4,
        counted_until -> Date,
        figures -> Jsonb,
        computed_at -> Timestamptz,
        refreshing_since -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    published_group_statistics (measure, year, counted_until) {
        measure -> Text,
        year -> Int4,
        counted_until -> Date,
        version -> Int8,
        figures -> Jsonb,
        computed_at -> Timestamptz,
        refreshing_since -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    published_statistics (statistic) {
        statistic -> Text,
        version -> Int8,
        figures -> Jsonb,
        computed_at -> Timestamptz,
        refreshing_since -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    rate_limit_windows (bucket, client_hash, window_start) {
        bucket -> Text,
        client_hash -> Bytea,
        window_start -> Timestamptz,
        hits -> Int4,
    }
}

diesel::table! {
    referral_people (referral_id) {
        referral_id -> Uuid,
        given_name -> Text,
        family_name -> Text,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        preferred_language -> Text,
        birth_year -> Nullable<Int2>,
        wishes -> Nullable<Text>,
    }
}

diesel::table! {
    referral_statistics (id) {
        id -> Uuid,
        target_centre_id -> Uuid,
        referring_organisation_id -> Nullable<Uuid>,
        source -> Text,
        offer -> Text,
        target_groups -> Array<Nullable<Text>>,
        residence_municipality -> Nullable<Text>,
        final_status -> Text,
        created_month -> Date,
        ended_month -> Nullable<Date>,
        erased_month -> Date,
    }
}

diesel::table! {
    referral_transitions (id) {
        id -> Uuid,
        referral_id -> Uuid,
        from_status -> Nullable<Text>,
        to_status -> Text,
        reason -> Nullable<Text>,
        actor -> Text,
        actor_organisation_id -> Nullable<Uuid>,
        occurred_at -> Timestamptz,
    }
}

diesel::table! {
    referrals (id) {
        id -> Uuid,
        reference -> Text,
        source -> Text,
        target_centre_id -> Uuid,
        referring_organisation_id -> Nullable<Uuid>,
        referring_subject -> Nullable<Text>,
        external_reference -> Nullable<Text>,
        offer -> Text,
        status -> Text,
        target_groups -> Array<Nullable<Text>>,
        preferred_format -> Text,
        residence_municipality -> Nullable<Text>,
        consent_contact -> Bool,
        consent_feedback -> Bool,
        consent_method -> Text,
        consent_obtained_at -> Timestamptz,
        feedback_withdrawn_at -> Nullable<Timestamptz>,
        ended_at -> Nullable<Timestamptz>,
        erased_at -> Nullable<Timestamptz>,
        version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        referrer_version -> Int4,
        referrer_updated_at -> Timestamptz,
        erasure_notice_at -> Nullable<Timestamptz>,
        agreed_feedback -> Text,
        feedback_by_agreement -> Bool,
    }
}

diesel::table! {
    supervision_answers (network_meeting_id, session_id) {
        network_meeting_id -> Uuid,
        session_id -> Uuid,
    }
}

diesel::table! {
    supervision_attendees (session_id, employer_organisation_id, subject) {
        session_id -> Uuid,
        employer_organisation_id -> Uuid,
        subject -> Text,
    }
}

diesel::table! {
    supervision_sessions (id) {
        id -> Uuid,
        competence_centre_id -> Uuid,
        held_on -> Date,
        adviser_subject -> Text,
        topics -> Array<Nullable<Text>>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Uuid,
        delivery_id -> Uuid,
        attempted_at -> Timestamptz,
        status_code -> Nullable<Int2>,
        duration_ms -> Int4,
        outcome -> Text,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Uuid,
        subscription_id -> Uuid,
        event_type -> Text,
        attempts -> Int4,
        delivered_at -> Nullable<Timestamptz>,
        abandoned_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        referral_id -> Nullable<Uuid>,
        external_reference -> Nullable<Text>,
        coarse_status -> Nullable<Text>,
        detailed_status -> Nullable<Text>,
        coarse_changed -> Bool,
        due_at -> Nullable<Timestamptz>,
        collaboration_need_id -> Nullable<Uuid>,
        municipality_id -> Nullable<Uuid>,
        need_status -> Nullable<Text>,
        follow_up_action_id -> Nullable<Uuid>,
        meeting_id -> Nullable<Uuid>,
        due_on -> Nullable<Date>,
        traceparent -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Uuid,
        organisation_id -> Uuid,
        url -> Text,
        event_types -> Array<Nullable<Text>>,
        secret -> Text,
        created_at -> Timestamptz,
        deleted_at -> Nullable<Timestamptz>,
        state -> Text,
        consecutive_failures -> Int4,
        paused_until -> Nullable<Timestamptz>,
        last_attempt_at -> Nullable<Timestamptz>,
        last_success_at -> Nullable<Timestamptz>,
        last_outcome -> Nullable<Text>,
        lease_until -> Nullable<Timestamptz>,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(api_clients -> organisations (organisation_id));
diesel::joinable!(collaboration_needs -> courses (offer_course_id));
diesel::joinable!(collaboration_needs -> dialogue_findings (finding_id));
diesel::joinable!(collaboration_needs -> dialogue_meetings (meeting_id));
diesel::joinable!(collaboration_needs -> learning_networks (offer_learning_network_id));
diesel::joinable!(course_organisers -> courses (course_id));
diesel::joinable!(course_organisers -> organisations (organisation_id));
diesel::joinable!(dialogue_attendees -> dialogue_meetings (meeting_id));
diesel::joinable!(dialogue_attendees -> organisations (municipality_id));
diesel::joinable!(dialogue_basis -> dialogue_meetings (meeting_id));
diesel::joinable!(dialogue_basis -> organisations (municipality_id));
diesel::joinable!(dialogue_evaluations -> dialogue_meetings (meeting_id));
diesel::joinable!(dialogue_evaluations -> organisations (municipality_id));
diesel::joinable!(dialogue_findings -> dialogue_meetings (meeting_id));
diesel::joinable!(dialogue_findings -> organisations (municipality_id));
diesel::joinable!(dialogue_meetings -> organisations (county_governor_id));
diesel::joinable!(dialogue_participants -> dialogue_meetings (meeting_id));
diesel::joinable!(dialogue_participants -> organisations (organisation_id));
diesel::joinable!(enrolments -> courses (course_id));
diesel::joinable!(enrolments -> organisations (employer_organisation_id));
diesel::joinable!(facilitators -> enrolments (enrolment_id));
diesel::joinable!(follow_up_actions -> dialogue_meetings (meeting_id));
diesel::joinable!(follow_up_actions -> organisations (owner_organisation_id));
diesel::joinable!(gathering_attendance -> gatherings (gathering_id));
diesel::joinable!(gathering_attendance -> learning_network_members (member_id));
diesel::joinable!(gatherings -> learning_networks (network_id));
diesel::joinable!(grant_activities -> courses (course_id));
diesel::joinable!(grant_activities -> grants (grant_id));
diesel::joinable!(grant_activities -> learning_networks (learning_network_id));
diesel::joinable!(group_follow_ups -> group_sessions (session_id));
diesel::joinable!(group_follow_ups -> groups (group_id));
diesel::joinable!(group_quarters_met -> groups (group_id));
diesel::joinable!(group_sessions -> groups (group_id));
diesel::joinable!(group_starters -> groups (group_id));
diesel::joinable!(groups -> organisations (centre_id));
diesel::joinable!(improvement_tasks -> gatherings (gathering_id));
diesel::joinable!(improvement_tasks -> learning_network_members (member_id));
diesel::joinable!(improvement_tasks -> learning_networks (network_id));
diesel::joinable!(intakes -> organisations (centre_id));
diesel::joinable!(intakes -> referrals (referral_id));
diesel::joinable!(is24_figures -> organisations (municipality_id));
diesel::joinable!(learning_network_coordinators -> learning_networks (network_id));
diesel::joinable!(learning_network_coordinators -> organisations (organisation_id));
diesel::joinable!(learning_network_members -> learning_networks (network_id));
diesel::joinable!(learning_network_members -> organisations (organisation_id));
diesel::joinable!(memberships -> groups (group_id));
diesel::joinable!(memberships -> intakes (intake_id));
diesel::joinable!(memberships -> referrals (referral_id));
diesel::joinable!(network_meetings -> organisations (organisation_id));
diesel::joinable!(outreach_invitations -> collaboration_agreements (agreement_id));
diesel::joinable!(outreach_invitations -> organisations (organisation_id));
diesel::joinable!(outreach_invitations -> outreach_meetings (meeting_id));
diesel::joinable!(outreach_meetings -> organisations (organiser_id));
diesel::joinable!(referral_people -> referrals (referral_id));
diesel::joinable!(referral_transitions -> referrals (referral_id));
diesel::joinable!(supervision_answers -> network_meetings (network_meeting_id));
diesel::joinable!(supervision_answers -> supervision_sessions (session_id));
diesel::joinable!(supervision_attendees -> organisations (employer_organisation_id));
diesel::joinable!(supervision_attendees -> supervision_sessions (session_id));
diesel::joinable!(supervision_sessions -> organisations (competence_centre_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_subscriptions -> organisations (organisation_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_clients,
    audit_events,
    collaboration_agreements,
    collaboration_needs,
    course_organisers,
    courses,
    dialogue_attendees,
    dialogue_basis,
    dialogue_evaluations,
    dialogue_findings,
    dialogue_meetings,
    dialogue_participants,
    dpop_proofs,
    enrolments,
    facilitators,
    follow_up_actions,
    gathering_attendance,
    gatherings,
    grant_activities,
    grants,
    group_follow_ups,
    group_quarters_met,
    group_sessions,
    group_starters,
    group_statistics,
    group_statistics_versions,
    groups,
    idempotency_keys,
    improvement_tasks,
    intakes,
    is24_figures,
    is24_variables,
    learning_network_coordinators,
    learning_network_members,
    learning_networks,
    memberships,
    network_meeting_statistics_version,
    network_meetings,
    organisations,
    outreach_invitations,
    outreach_meetings,
    published_county_figures,
    published_group_statistics,
    published_statistics,
    rate_limit_windows,
    referral_people,
    referral_statistics,
    referral_transitions,
    referrals,
    supervision_answers,
    supervision_attendees,
    supervision_sessions,
    webhook_attempts,
    webhook_deliveries,
    webhook_subscriptions,
);
