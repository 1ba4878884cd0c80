"""deal event fixes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:

    with op.batch_alter_table('deal_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('corrects_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('corrected_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('corrected_by', sa.String(length=32), nullable=True))
        batch_op.create_index('ix_deal_events_channel_id_message_ts', ['channel_id', 'message_ts'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_deal_events_corrects_id_deal_events'), 'deal_events',
                                    ['corrects_id'], ['id'], ondelete='CASCADE')



def downgrade() -> None:

    with op.batch_alter_table('deal_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deal_events_corrects_id_deal_events'), type_='foreignkey')
        batch_op.drop_index('ix_deal_events_channel_id_message_ts')
        batch_op.drop_column('corrected_by')
        batch_op.drop_column('corrected_at')
        batch_op.drop_column('corrects_id')

