ALTER TABLE dialogue_findings DROP COLUMN shared_with_partners;
ALTER TABLE dialogue_findings ADD COLUMN collaboration_needs jsonb NOT NULL DEFAULT '[]';
UPDATE dialogue_findings f SET collaboration_needs = needs.list
    FROM (SELECT finding_id, jsonb_agg(jsonb_build_object('partner_kind', partner_kind,
                'description', description) ORDER BY position) AS list
            FROM collaboration_needs WHERE finding_id IS NOT NULL GROUP BY finding_id) needs
    WHERE needs.finding_id = f.id;
DROP TABLE collaboration_needs;
