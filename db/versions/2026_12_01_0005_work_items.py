"""work items: channel messages recorded before work starts, replacing processed_events

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'work_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=64), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('channel_id', sa.String(length=32), nullable=False),
        sa.Column('message_ts', sa.String(length=32), nullable=False),
        sa.Column('message', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('give_up_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outbox', sa.JSON(), nullable=True),
        sa.Column('reason', sa.String(length=120), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_work_items')),
        sa.UniqueConstraint('event_id', name=op.f('uq_work_items_event_id')),
    )
    op.create_index('ix_work_items_state_due_at', 'work_items', ['state', 'due_at'], unique=False)
    op.create_index('ix_work_items_finished_at', 'work_items', ['finished_at'], unique=False)
    # Event ids claimed before this version were finished (or lost): nothing in them can be resumed.
    op.drop_table('processed_events')


def downgrade() -> None:
    op.create_table(
        'processed_events',
        sa.Column('event_id', sa.String(length=64), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_processed_events')),
    )
    op.drop_index('ix_work_items_finished_at', table_name='work_items')
    op.drop_index('ix_work_items_state_due_at', table_name='work_items')
    op.drop_table('work_items')
